"""作业 a4 隐藏测试 / Hidden suite of a4 (tasks are added as the assignment lands)."""
