"""`python -m bot ...`: the command line for operators."""
