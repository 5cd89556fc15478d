"""人才: the talent pool and archive (records.py), policies and grants (policies.py), service
packages (packages.py) and the special fund (fund.py).

The models live in modules per part so that each part can grow on its own; Django finds them here.
"""

from zugong.talents.models.fund import *  # noqa: F403
from zugong.talents.models.packages import *  # noqa: F403
from zugong.talents.models.policies import *  # noqa: F403
from zugong.talents.models.records import *  # noqa: F403
