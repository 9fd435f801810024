"""Scheduled work: cron read as cron, what is due, the digest and reminder sender, backups."""
