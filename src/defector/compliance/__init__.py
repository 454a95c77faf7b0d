"""Compliance: every obligation's clock, reminders and escalation (sweeps), and the post's and
the worldwide compliance views."""
