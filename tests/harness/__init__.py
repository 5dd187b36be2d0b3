"""The verification harness: each page under docs/ is one program per framework, run and checked by pytest.

Modules, in the order a page goes through them:
    tabs      find the PyTorch/TensorFlow tabs of a page
    page      read a page into blocks (pytest-codeblocks' parser, pymdownx.snippets' includes)
    lint      fences, tab pairs, and snippet files shown whole and in order
    execute   run a program in a child process with a timeout   (runner: the child's side)
    compare   compare shown and printed output, numbers within a tolerance
    outputs   write printed output back onto the page (make outputs)
    plugin    the pytest plugin that ties these together; summary prints the report at the end
    site_hooks  MkDocs hooks: the "verified with" stamp
"""
