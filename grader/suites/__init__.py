"""隐藏测试集，每个作业一个模块 / Hidden suites, one module per assignment (a1 … a4).

Importing a module registers its tasks in :mod:`grader.registry`. Never shipped to students.
"""
