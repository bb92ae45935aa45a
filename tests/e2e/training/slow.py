"""A training script that runs until it is stopped, printing a line every 100 ms. On SIGTERM
it saves a model (as SageMaker's stop contract allows) and exits."""
import os
import signal
import sys
import time


def on_term(signum, frame):
    with open(os.path.join(os.environ["SM_MODEL_DIR"], "partial.txt"), "w") as f:
        f.write("stopped\n")
    print("got SIGTERM", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, on_term)
step = 0
while True:
    print("step %d loss=%.3f" % (step, 1.0 / (step + 1)), flush=True)
    step += 1
    time.sleep(0.1)
