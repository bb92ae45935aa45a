"""A training script for early-stopping tests: every job reaches validation accuracy 0.9 over
its epochs except the one whose place in its tuning job (the NNN of "<tuning job>-NNN-<hex>",
read from SM_TRAINING_ENV) is --bad_job, which stays near 0.3: a deliberately bad trial."""
import argparse
import json
import os
import re
import time

parser = argparse.ArgumentParser()
parser.add_argument("--bad_job", type=int, default=0)
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--epoch_seconds", type=float, default=0.5)
args, _ = parser.parse_known_args()

job = json.loads(os.environ["SM_TRAINING_ENV"])["job_name"]
sequence = int(re.search(r"-(\d{3})-[0-9a-f]{8}$", job).group(1))
peak = 0.3 if sequence == args.bad_job else 0.9
for epoch in range(args.epochs):
    print("epoch %d Validation-accuracy: %.6f" % (epoch, peak - 0.01 * (args.epochs - epoch)),
          flush=True)
    time.sleep(args.epoch_seconds)
