"""The one runner: every piece of guide code runs through it, one framework per child process.

    program   start a program in a child process with a timeout, and collect its results (the parent's side)
    child     run the program's pieces in one namespace, as a script would (the child's side)
    compare   compare an output shown on a page with what a block printed, numbers within a tolerance
"""
