"""The pure core: the plan, the rules, progress maths and the records they work on.

Imports neither telegram nor storage (checked by import-linter)."""
