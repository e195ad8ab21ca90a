"""作业 a3 隐藏测试 / Hidden suite of a3 (tasks are added as the assignment lands)."""
