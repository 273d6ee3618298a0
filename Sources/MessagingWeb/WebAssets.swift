/// The page, its style and its script: shipped inside the binary (a LAN may have no internet), nothing loaded from
/// elsewhere (no fonts, scripts or CDNs; the Content-Security-Policy forbids it too). Every text the server sends is
/// put in the page with `textContent`, never as HTML.
enum WebAssets {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Messages</title>
        <link rel="stylesheet" href="/app.css">
        <script src="/app.js" defer></script>
        </head>
        <body>
        <header>
          <h1>Messages</h1>
          <span id="identity"></span>
          <form id="search-form" role="search">
            <label for="search" class="visually-hidden">Search</label>
            <input id="search" type="search" placeholder="Search" maxlength="200">
            <button type="submit">Search</button>
          </form>
          <button id="logout" type="button" hidden>Log out</button>
        </header>
        <p id="notice" role="status"></p>
        <section id="login" hidden>
          <form id="login-form">
            <label for="password">Password</label>
            <input id="password" type="password" autocomplete="current-password" required>
            <button type="submit">Log in</button>
            <p id="login-error" class="error" role="alert"></p>
          </form>
        </section>
        <main id="app" hidden>
          <section id="list" aria-label="Conversations">
            <button id="new" type="button">New message</button>
            <ul id="conversations"></ul>
            <p id="empty" hidden>No messages yet.</p>
          </section>
          <section id="thread" aria-label="Conversation">
            <div class="thread-head">
              <button id="back" type="button">Back</button>
              <h2 id="thread-title">New message</h2>
            </div>
            <ol id="messages"></ol>
            <form id="compose">
              <label for="to">To</label>
              <input id="to" name="to" type="tel" autocomplete="off" required maxlength="200">
              <label for="text">Message</label>
              <textarea id="text" name="text" rows="3" required></textarea>
              <div class="send-row">
                <p id="counter" aria-live="polite"></p>
                <button id="send" type="submit">Send</button>
              </div>
              <p id="compose-error" class="error" role="alert"></p>
              <p id="read-only" hidden>This address may read messages but not send or delete them.</p>
            </form>
          </section>
        </main>
        </body>
        </html>
        """#

    static let style = #"""
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
          color: #1b1b1b; background: #f4f5f7; display: flex; flex-direction: column; height: 100vh; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .6rem 1rem;
          background: #234e70; color: #fff; }
        header h1 { font-size: 1.2rem; margin: 0; }
        #identity { opacity: .85; font-size: .9rem; }
        #search-form { display: flex; gap: .3rem; margin-left: auto; }
        button, input, textarea { font: inherit; }
        button { border: 0; border-radius: .4rem; padding: .45rem .9rem; background: #2f6f9f; color: #fff;
          cursor: pointer; }
        button:disabled { background: #9aa7b2; cursor: default; }
        input, textarea { border: 1px solid #b8c0c8; border-radius: .4rem; padding: .45rem .6rem; width: 100%; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        #notice:empty, .error:empty { display: none; }
        #notice { margin: 0; padding: .4rem 1rem; background: #fff4d6; }
        .error { color: #a4161a; margin: .3rem 0; }
        #login { max-width: 22rem; margin: 3rem auto; padding: 1rem; background: #fff; border-radius: .6rem; }
        #login-form { display: grid; gap: .5rem; }
        main { display: grid; grid-template-columns: minmax(14rem, 22rem) 1fr; flex: 1; min-height: 0; }
        main[hidden] { display: none; }
        #list { overflow-y: auto; border-right: 1px solid #d7dce1; background: #fff; padding: .6rem; }
        #new { width: 100%; margin-bottom: .5rem; }
        #conversations { list-style: none; margin: 0; padding: 0; }
        #conversations button { display: grid; grid-template-columns: 1fr auto; gap: 0 .5rem; width: 100%;
          text-align: left; background: none; color: inherit; border-radius: .4rem; padding: .5rem; }
        #conversations button:hover, #conversations button[aria-current="true"] { background: #e7eef5; }
        .peer { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .when { font-size: .8rem; color: #5c6670; }
        .last { grid-column: 1 / 3; color: #5c6670; font-size: .9rem; overflow: hidden; text-overflow: ellipsis;
          white-space: nowrap; }
        .unread { background: #c0392b; color: #fff; border-radius: 1rem; padding: 0 .45rem; font-size: .8rem;
          margin-left: .3rem; }
        #thread { display: flex; flex-direction: column; min-height: 0; }
        .thread-head { display: flex; align-items: center; gap: .6rem; padding: .5rem 1rem;
          border-bottom: 1px solid #d7dce1; background: #fff; }
        .thread-head h2 { font-size: 1.05rem; margin: 0; }
        #back { display: none; }
        #messages { list-style: none; margin: 0; padding: 1rem; flex: 1; overflow-y: auto; display: flex;
          flex-direction: column; gap: .5rem; }
        .message { max-width: 75%; padding: .5rem .7rem; border-radius: .8rem; background: #fff;
          align-self: flex-start; box-shadow: 0 1px 1px #0001; }
        .message.out { align-self: flex-end; background: #d9ecff; }
        .message .body { white-space: pre-wrap; overflow-wrap: anywhere; }
        .message .subject { font-weight: 600; overflow-wrap: anywhere; }
        .content-state { font-size: .82rem; color: #8a5300; margin-top: .2rem; }
        .attachments { display: flex; flex-direction: column; align-items: flex-start; gap: .3rem; margin-top: .3rem; }
        .attachments img { display: block; max-width: min(100%, 20rem); max-height: 20rem; height: auto;
          border-radius: .4rem; background: #eef1f4; }
        .attachments a { font-size: .85rem; color: #2f6f9f; overflow-wrap: anywhere; }
        .meta { display: flex; flex-wrap: wrap; gap: .2rem .6rem; align-items: center; font-size: .78rem;
          color: #5c6670; margin-top: .2rem; }
        .state-failed { color: #a4161a; font-weight: 600; }
        .state-delivered { color: #1e7b34; }
        .meta button { padding: .1rem .5rem; font-size: .78rem; background: #8a96a1; }
        .peer-link { background: none; color: #2f6f9f; padding: 0; text-decoration: underline; }
        #compose { display: grid; grid-template-columns: auto 1fr; gap: .4rem .6rem; align-items: center;
          padding: .7rem 1rem; border-top: 1px solid #d7dce1; background: #fff; }
        #compose > .send-row, #compose > .error, #compose > #read-only { grid-column: 1 / 3; }
        .send-row { display: flex; align-items: center; gap: .6rem; }
        #counter { margin: 0; margin-right: auto; font-size: .85rem; color: #5c6670; }
        #counter.over { color: #a4161a; font-weight: 600; }
        @media (max-width: 700px) {
          body { height: auto; min-height: 100vh; }
          main { display: block; }
          #list { border-right: 0; }
          main.open #list { display: none; }
          main:not(.open) #thread { display: none; }
          #back { display: inline-block; }
          .message { max-width: 90%; }
          #search-form { margin-left: 0; width: 100%; }
        }
        """#

    static let script = #"""
        "use strict";
        // The page's API (same origin). Every request carries X-Requested-With, which a cross-site form cannot.
        const HEADER = { "X-Requested-With": "messagingd" };
        const $ = (id) => document.getElementById(id);
        let state = { canSend: false };
        let current = null;        // the peer whose conversation is open
        let searching = null;      // the search shown instead of a conversation
        let threadTimer = null;
        let layoutTimer = null;
        let layoutSeq = 0;

        async function api(path, body) {
          const init = { headers: { ...HEADER }, credentials: "same-origin", cache: "no-store" };
          if (body !== undefined) {
            init.method = "POST";
            init.headers["Content-Type"] = "application/json";
            init.body = JSON.stringify(body);
          }
          const response = await fetch("/api/" + path, init);
          const data = response.status === 204 ? null : await response.json().catch(() => null);
          if (response.status === 401 && path !== "login") showLogin();
          if (!response.ok) throw new Error((data && data.error) || ("HTTP " + response.status));
          return data;
        }

        function el(tag, className, text) {
          const node = document.createElement(tag);
          if (className) node.className = className;
          if (text !== undefined && text !== null) node.textContent = text;
          return node;
        }

        function when(iso) {
          if (!iso) return "";
          const date = new Date(iso);
          const today = new Date().toDateString() === date.toDateString();
          return today ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
                       : date.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
        }

        function notice(text) { $("notice").textContent = text || ""; }

        function showLogin() {
          $("login").hidden = false;
          $("app").hidden = true;
          $("password").focus();
        }

        async function start() {
          try {
            state = await api("state");
          } catch (error) {
            notice(error.message);
            return;
          }
          if (state.loginRequired && !state.loggedIn) { showLogin(); return; }
          $("login").hidden = true;
          $("app").hidden = false;
          $("logout").hidden = !state.loginRequired;
          $("identity").textContent = state.identity ? state.identity.replace(/^tel:/, "") : "";
          for (const id of ["to", "text", "send"]) $(id).disabled = !state.canSend;
          $("read-only").hidden = state.canSend;
          listen();
          await refresh();
        }

        // New messages without reloading: the server's event stream says when something changed.
        function listen() {
          const events = new EventSource("/api/events");
          events.addEventListener("change", () => refresh());
          events.addEventListener("hello", () => refresh());
        }

        async function refresh() {
          await Promise.all([loadConversations(), current ? loadThread() : Promise.resolve()]);
        }

        async function loadConversations() {
          let data;
          try { data = await api("conversations"); } catch (error) { notice(error.message); return; }
          notice("");
          const list = $("conversations");
          list.replaceChildren();
          $("empty").hidden = data.conversations.length > 0;
          for (const conversation of data.conversations) {
            const item = el("li");
            const button = el("button");
            button.type = "button";
            button.dataset.peer = conversation.peer;
            if (conversation.peer === current) button.setAttribute("aria-current", "true");
            const peer = el("span", "peer", conversation.name || conversation.peer);
            if (conversation.unread > 0) {
              const badge = el("span", "unread", String(conversation.unread));
              badge.title = conversation.unread + " unread";
              peer.append(badge);
            }
            button.append(peer, el("span", "when", when(conversation.lastDate)),
              el("span", "last", (conversation.lastIsOutgoing ? "You: " : "") + conversation.lastText));
            button.addEventListener("click", () => openConversation(conversation.peer));
            item.append(button);
            list.append(item);
          }
        }

        function openConversation(peer) {
          current = peer;
          searching = null;
          $("thread-title").textContent = peer;
          $("to").value = peer;
          $("app").classList.add("open");
          loadThread();
          loadConversations();
        }

        function describeDelivery(delivery) {
          if (!delivery) return null;
          let text = delivery.state;
          if (delivery.state === "failed" && delivery.reason) text += ": " + delivery.reason;
          if (delivery.state === "queued" && delivery.attempts > 0 && delivery.reason) {
            text += " (retrying: " + delivery.reason + ")";
          }
          const total = delivery.parts.length;
          if (total > 1 && (delivery.state === "sent" || delivery.state === "delivered")) {
            const done = delivery.parts.filter((part) => part.status === "delivered").length;
            text += " · " + done + "/" + total + " parts delivered";
          }
          return text;
        }

        function sizeText(bytes) {
          if (typeof bytes !== "number") return "";
          if (bytes < 1024) return bytes + " B";
          if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + " KB";
          return (bytes / 1048576).toFixed(1) + " MB";
        }

        // Where an MMS's content stands when it is not in the message (the server's state, said in words).
        function contentNote(message) {
          const reason = message.contentError ? " (" + message.contentError + ")" : "";
          switch (message.content) {
            case "pending": return "MMS content not downloaded yet";
            case "gone": return "MMS content no longer available" + reason;
            case "failed": return "MMS content could not be downloaded" + reason;
            default: return null;
          }
        }

        // Only the device's own attachment route is ever used as a link or an image source.
        function isServed(url) { return typeof url === "string" && url.startsWith("/attachment?"); }

        // Raster images inline (bounded by the style), and every attachment as a download link. SVG and HTML
        // parts are never shown: the server marks only JPEG, PNG, GIF and WebP as inline images.
        function renderAttachments(attachments) {
          const box = el("div", "attachments");
          for (const attachment of attachments) {
            const name = attachment.name || "attachment " + (attachment.part + 1);
            const info = [attachment.mimeType, sizeText(attachment.size)].filter(Boolean).join(", ");
            if (!isServed(attachment.url) || !isServed(attachment.downloadURL)) {
              box.append(el("span", "attachment", name + (info ? " (" + info + ")" : "") + " · not kept here"));
              continue;
            }
            if (attachment.isInlineImage) {
              const image = el("img");
              image.src = attachment.url;
              image.alt = name;
              image.loading = "lazy";
              box.append(image);
            }
            const link = el("a", "download", "Download " + name + (info ? " (" + info + ")" : ""));
            link.href = attachment.downloadURL;
            link.setAttribute("download", "");
            box.append(link);
          }
          return box;
        }

        function renderMessages(messages, showPeer) {
          const list = $("messages");
          list.replaceChildren();
          let waiting = false;
          for (const message of messages) {
            const item = el("li", "message " + (message.isOutgoing ? "out" : "in"));
            item.dataset.id = message.id;
            if (message.subject && message.messageClass === "MMS") item.append(el("div", "subject", message.subject));
            item.append(el("div", "body", message.text));
            const note = contentNote(message);
            if (note) item.append(el("div", "content-state", note));
            if (message.attachments && message.attachments.length > 0) {
              item.append(renderAttachments(message.attachments));
            }
            const meta = el("div", "meta");
            if (showPeer) {
              const peer = message.peers[0];
              const link = el("button", "peer-link", (message.isOutgoing ? "To " : "From ") + peer);
              link.type = "button";
              link.addEventListener("click", () => openConversation(peer));
              meta.append(link);
            }
            meta.append(el("time", null, when(message.date)));
            const delivery = describeDelivery(message.delivery);
            if (delivery) {
              meta.append(el("span", "state state-" + message.delivery.state, delivery));
              const sendState = message.delivery.state;
              const pending = message.delivery.parts.some((p) => p.status === "accepted" || p.status === "pending");
              const recent = message.date && Date.now() - new Date(message.date).getTime() < 600000;
              if (sendState === "queued" || sendState === "sending") waiting = true;
              if (sendState === "sent" && pending && recent) waiting = true;
            }
            if (state.canSend) {
              const remove = el("button", "delete", "Delete");
              remove.type = "button";
              remove.setAttribute("aria-label", "Delete message");
              remove.addEventListener("click", () => deleteMessage(message.id));
              meta.append(remove);
            }
            item.append(meta);
            list.append(item);
          }
          list.scrollTop = list.scrollHeight;
          return waiting;
        }

        async function loadThread() {
          clearTimeout(threadTimer);
          if (!current) return;
          const peer = current;
          let data;
          try {
            data = await api("conversation?peer=" + encodeURIComponent(peer));
          } catch (error) { notice(error.message); return; }
          if (peer !== current || searching) return;
          // Delivery reports are not evented: follow a message that is still under way.
          if (renderMessages(data.messages, false)) threadTimer = setTimeout(loadThread, 2000);
        }

        async function deleteMessage(id) {
          try {
            await api("delete", { id });
          } catch (error) { notice(error.message); return; }
          const item = document.querySelector('#messages li[data-id="' + CSS.escape(id) + '"]');
          if (item) item.remove();
          await loadConversations();
        }

        async function updateCounter() {
          const text = $("text").value;
          const seq = ++layoutSeq;
          let layout;
          try { layout = await api("layout", { text }); } catch (error) { return; }
          if (seq !== layoutSeq) return;
          const counter = $("counter");
          const parts = layout.parts + (layout.parts === 1 ? " part" : " parts");
          counter.textContent = layout.characters + " characters · " + parts + " · " + layout.encoding
            + " · " + layout.remainingInPart + " left";
          const over = layout.parts > layout.maximumParts;
          counter.classList.toggle("over", over);
          if (over) counter.textContent += " · at most " + layout.maximumParts + " parts";
          $("send").disabled = !state.canSend || over;
        }

        $("text").addEventListener("input", () => {
          clearTimeout(layoutTimer);
          layoutTimer = setTimeout(updateCounter, 120);
        });

        $("compose").addEventListener("submit", async (event) => {
          event.preventDefault();
          const to = $("to").value.trim();
          const text = $("text").value;
          $("compose-error").textContent = "";
          $("send").disabled = true;
          try {
            await api("send", { to, text });
            $("text").value = "";
            updateCounter();
            openConversation(to.split(",")[0].trim());
          } catch (error) {
            $("compose-error").textContent = error.message;
          } finally {
            $("send").disabled = !state.canSend;
          }
        });

        $("new").addEventListener("click", () => {
          current = null;
          searching = null;
          clearTimeout(threadTimer);
          $("thread-title").textContent = "New message";
          $("messages").replaceChildren();
          $("to").value = "";
          $("app").classList.add("open");
          $("to").focus();
          loadConversations();
        });

        $("back").addEventListener("click", () => {
          current = null;
          searching = null;
          $("app").classList.remove("open");
          loadConversations();
        });

        $("search-form").addEventListener("submit", async (event) => {
          event.preventDefault();
          const query = $("search").value.trim();
          if (!query) return;
          let data;
          try {
            data = await api("search?q=" + encodeURIComponent(query));
          } catch (error) { notice(error.message); return; }
          current = null;
          searching = query;
          clearTimeout(threadTimer);
          $("thread-title").textContent = data.messages.length + " found for “" + query + "”";
          $("app").classList.add("open");
          renderMessages(data.messages, true);
        });

        $("login-form").addEventListener("submit", async (event) => {
          event.preventDefault();
          $("login-error").textContent = "";
          try {
            await api("login", { password: $("password").value });
            $("password").value = "";
            await start();
          } catch (error) {
            $("login-error").textContent = error.message;
          }
        });

        $("logout").addEventListener("click", async () => {
          await api("logout", {}).catch(() => null);
          location.reload();
        });

        updateCounter();
        start();
        """#
}
