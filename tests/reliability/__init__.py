"""The fault suite: real servers failing, bad input, concurrency and secrets."""
