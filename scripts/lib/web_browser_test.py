"""The web page in a real browser: headless Chromium driven by Selenium, against a running messagingd --simulate.

Opens the page, sends a text to the echo subscriber through the labelled "To" and "Message" inputs and the "Send"
button, sees the reply appear without a reload (the page's event stream), opens the conversation, deletes the
reply, and checks the layout at phone width. Saves a screenshot of the conversation. Then sends a picture to the
echo subscriber with `telcp send --attach` (an MMS through the simulated MMSC) and checks that the echo's MMS shows
the picture inline and offers it for download byte for byte.

Usage: web_browser_test.py URL SCREENSHOT TELCP PICTURE
Exit status 0 when every check passed; a failed check raises (non-zero exit, traceback names it).
"""

import base64
import subprocess
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ECHO = "+15550000099"
TEXT = "Hello from the browser"
REPLY = "echo: " + TEXT
# Bounds for a broken run, not timing assertions: a passing run moves on as soon as each condition holds.
TIMEOUT = 20


def labelled(driver, label):
    """The input a <label> names, found the way a screen reader finds it."""
    node = driver.find_element(By.XPATH, f"//label[normalize-space()='{label}']")
    return driver.find_element(By.ID, node.get_attribute("for"))


def message_item(driver, text, direction):
    """The message with this text and direction ("in" or "out") now shown, or None."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#messages li.message.' + arguments[1])]"
        ".find((li) => li.querySelector('.body').textContent === arguments[0]) || null;",
        text, direction)


def click(driver, find):
    """Clicks what `find` returns, as a user does; the page redraws its lists when the server says something
    changed, so a click that meets an element just replaced is tried again (bounded by the caller's wait)."""
    try:
        element = find(driver)
        if element is None:
            return False
        element.click()
        return True
    except (StaleElementReferenceException, NoSuchElementException):
        return False


def delivery_state(driver, text):
    return driver.execute_script(
        "const li = [...document.querySelectorAll('#messages li.message.out')]"
        ".find((li) => li.querySelector('.body').textContent === arguments[0]);"
        "const state = li && li.querySelector('.state'); return state ? state.textContent : '';", text)


def picture_state(driver, text):
    """The inline image of the received message with this text and the download link the page puts after it
    (the MMS's SMIL part has a link of its own): [loaded width, download href, image src], or None while the
    message or its picture is not shown yet."""
    return driver.execute_script(
        "const li = [...document.querySelectorAll('#messages li.message.in')]"
        ".find((li) => li.querySelector('.body').textContent === arguments[0]);"
        "const image = li && li.querySelector('.attachments img');"
        "const link = image && image.nextElementSibling;"
        "if (!image || !link || !link.matches('a.download') || !image.complete || image.naturalWidth === 0) return null;"
        "return [image.naturalWidth, link.getAttribute('href'), image.getAttribute('src')];", text)


def download(driver, href):
    """The bytes the browser gets from a link of the page, base64-encoded by the page itself."""
    encoded = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then((r) => r.arrayBuffer()).then((buffer) => {"
        "  let text = ''; for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);"
        "  done(btoa(text)); }).catch((error) => done('!' + error));", href)
    assert not encoded.startswith("!"), f"the browser could not fetch {href}: {encoded[1:]}"
    return base64.b64decode(encoded)


def check_picture_message(driver, wait, url, telcp, picture):
    """An MMS to the echo subscriber; its answer carries the same picture, shown inline and downloadable."""
    text = "A picture from the browser test"
    subprocess.run([telcp, "send", "--location", url + "description.xml", "--to", ECHO, "--text", text,
                    "--attach", picture, "--wait", "--wait-timeout", "60"], check=True, timeout=90)
    wait.until(lambda d: click(d, lambda d: d.find_element(
        By.CSS_SELECTOR, f"#conversations button[data-peer='{ECHO}']")))
    wait.until(lambda d: picture_state(d, "echo: " + text) is not None)
    width, href, source = picture_state(driver, "echo: " + text)
    assert source.startswith("/attachment?") and "download=1" in href, (source, href)
    with open(picture, "rb") as f:
        expected = f.read()
    got = download(driver, href)
    assert got == expected, f"the download ({len(got)} bytes) differs from the picture sent ({len(expected)} bytes)"
    print(f"PASS  the echo's MMS shows the picture inline ({width} px wide) and its download is byte-identical")


def main():
    url, screenshot, telcp, picture = sys.argv[1:5]
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1100,720", "--lang=en-US"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    wait = WebDriverWait(driver, TIMEOUT)
    try:
        driver.get(url)
        wait.until(EC.visibility_of_element_located((By.ID, "app")))
        # A marker that a reload would wipe out.
        driver.execute_script("window.notReloaded = true;")

        to = labelled(driver, "To")
        message = labelled(driver, "Message")
        to.send_keys(ECHO)
        message.send_keys(TEXT)
        # The live counter, as the server's encoder lays the text out.
        wait.until(lambda d: d.find_element(By.ID, "counter").text.startswith(f"{len(TEXT)} characters"))
        counter = driver.find_element(By.ID, "counter").text
        assert counter.startswith(f"{len(TEXT)} characters · 1 part · GSM 7-bit"), counter
        print("PASS  the counter says:", counter)
        send = driver.find_element(By.XPATH, "//button[normalize-space()='Send']")
        send.click()

        wait.until(lambda d: message_item(d, TEXT, "out") is not None)
        print("PASS  the sent text is in the conversation")
        wait.until(lambda d: message_item(d, REPLY, "in") is not None)
        assert driver.execute_script("return window.notReloaded === true;"), "the page was reloaded"
        print("PASS  the echo's reply appeared without a reload")

        # The conversation list names the peer; open the conversation from it.
        wait.until(lambda d: click(d, lambda d: d.find_element(
            By.CSS_SELECTOR, f"#conversations button[data-peer='{ECHO}']")))
        wait.until(lambda d: message_item(d, REPLY, "in") is not None)
        wait.until(lambda d: delivery_state(d, TEXT) != "")
        print("PASS  opened the conversation; delivery state of the sent text:", delivery_state(driver, TEXT))
        driver.save_screenshot(screenshot)

        wait.until(lambda d: click(d, lambda d: message_item(d, REPLY, "in").find_element(
            By.XPATH, ".//button[normalize-space()='Delete']")))
        wait.until(lambda d: message_item(d, REPLY, "in") is None)
        assert message_item(driver, TEXT, "out") is not None
        driver.refresh()
        wait.until(EC.visibility_of_element_located((By.ID, "app")))
        wait.until(lambda d: click(d, lambda d: d.find_element(
            By.CSS_SELECTOR, f"#conversations button[data-peer='{ECHO}']")))
        wait.until(lambda d: message_item(d, TEXT, "out") is not None)
        assert message_item(driver, REPLY, "in") is None, "the deleted reply came back"
        print("PASS  deleted the reply")

        check_picture_message(driver, wait, url, telcp, picture)

        # Phone width: one column; the open conversation replaces the list, Back returns to it.
        driver.set_window_size(390, 844)
        wait.until(lambda d: not d.find_element(By.ID, "conversations").is_displayed())
        assert labelled(driver, "Message").is_displayed() and labelled(driver, "To").is_displayed()
        wait.until(lambda d: click(d, lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Back']")))
        wait.until(lambda d: d.find_element(By.ID, "conversations").is_displayed())
        width = driver.execute_script("return document.documentElement.scrollWidth;")
        assert width <= 390, f"the page is wider than the phone: {width}px"
        print("PASS  phone width: one column, no horizontal scrolling")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
