"""nbgrader 配置：套件仓库不是课程 / nbgrader config: the kit repository is not a course.

``python -m grader build`` sets its own configuration (a temporary course root) and does not
read this file. An ``nbgrader`` command run from the kit repository would otherwise treat
``solutions/`` as a course's ``source/`` and write unstripped ``.py`` files (solutions) over
``assignments/``; it stops here with a bilingual message instead. A course is made with
``python -m grader nbgrader setup --course COURSE --assignment aN`` (docs/nbgrader.md).
"""

import os
import sys

c = get_config()  # type: ignore[name-defined]  # noqa: F821

if os.path.basename(sys.argv[0]).startswith("nbgrader"):
    sys.exit(
        "错误：这是 nnkit 套件仓库，不是 nbgrader 课程；请在课程目录中运行 nbgrader，课程用 "
        "python -m grader nbgrader setup --course COURSE --assignment aN 创建（见 "
        "docs/nbgrader.md）/ error: this is the nnkit kit repository, not an nbgrader course; "
        "run nbgrader inside a course folder, made with python -m grader nbgrader setup --course "
        "COURSE --assignment aN (see docs/nbgrader.md)"
    )
