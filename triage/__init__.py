"""The red-flag rules (pure Python) and the flags stored per intake, with their acknowledgement.
May import `intake`, `accounts` and `audit`."""
