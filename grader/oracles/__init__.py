"""评分用的精确参考答案(oracle)/ Exact reference oracles used by the grader.

``grader.oracles.symbolic`` is the sympy-based oracle for gradients and one-step updates of
fully connected networks (例题1, 练习题 and randomised cases). It is imported explicitly, not
re-exported here, so that ``import grader.oracles`` stays cheap.
"""
