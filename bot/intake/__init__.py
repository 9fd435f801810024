"""How updates come in: polling or webhook, the durable inbox, per-user ordering, the runner."""
