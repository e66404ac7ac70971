"""The test bank and remote testing (issue 7). For now: the formats teachers bring their
items in — GIFT, Moodle XML, Aiken — read and written without Django (`formats/`)."""
