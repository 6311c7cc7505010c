"""The databases connectomedb writes to and reads from."""
