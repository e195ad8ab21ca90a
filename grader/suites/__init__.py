"""隐藏测试集，每个作业一个模块 / Hidden suites, one module per assignment (a1 … a4).

Each module exposes its tasks as data (``TASKS``, closed-form tasks as
:class:`grader.suites.spec.Spec` tables) and its suite-wide hint texts as ``HINTS``; importing
one registers nothing (:func:`grader.registry.table` reads the modules listed in
:data:`grader.registry.SUITES`). Never shipped to students.
"""
