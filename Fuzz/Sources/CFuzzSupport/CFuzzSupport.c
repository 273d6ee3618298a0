// Empty: the target only exports the header for LLVMFuzzerRunDriver, which libFuzzer provides at link time.
