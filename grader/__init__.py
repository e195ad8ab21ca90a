"""nnkit grader: the instructor's grading engine (never shipped to students)."""
