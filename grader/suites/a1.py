"""作业 a1 隐藏测试 / Hidden suite of a1 (tasks are added as the assignment lands)."""
