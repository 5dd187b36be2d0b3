"""The page model: a page under docs/ read into its blocks, its tabs and its markers, and what is checked or
written on it without running it.

    scan      the one scanner of a page's Markdown: fences, tabs (and the tab each line belongs to), marker comments
    markers   the marker family (pytest-codeblocks' markers and the guide's own) and its one dispatcher
    model     read_page: the page's blocks from pytest-codeblocks' parser, with their outputs, markers and tabs,
              includes expanded, read once per process
    lint      fences, tab pairs, snippet files shown whole and in order
    outputs   write what the blocks printed back onto the page (make outputs)
    errors    PageError, naming the file and line
"""
