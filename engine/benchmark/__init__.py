"""The performance page: measure.py times training steps (`make benchmark`); render.py turns the committed results
into the page's tables, plot, numbers and verdicts."""
