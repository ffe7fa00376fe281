import os

import torch

# Tests run on CPU with few threads: the suite must behave the same on a 2-core CI machine.
torch.set_num_threads(min(2, os.cpu_count() or 1))
