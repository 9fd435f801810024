"""A simulated bureau: people of every role, their daily habits, and what they tell the bot.

`bureau` builds the roster (who), `behaviour` decides what each person does on each day
(pure and deterministic with a seed), `driver` makes them say it to the real bot through the
Bot API stand-in, `history` writes years of the same behaviour straight through storage, and
`summary` prints the progress pipeline's rows (bot.core.standing) as terminal tables.
Nothing here imports telegram.
"""
