"""The offline demo and its parts: the Bot API stand-in, the simulated bureau, the demo runners.

Nothing in production imports this package."""
