"""A training script that overfits (seed 16.7): its training loss stalls while its validation
loss rises, which the LossNotDecreasing and Overfit rules must notice. It also tries to look
at the server's data directory, which a job must not see."""
import json
import os
import time

for step in range(30):
    train_loss = 0.5 + 0.001 * (step % 2)
    validation_loss = 0.5 + 0.05 * step
    print("step %d train_loss=%.4f validation_loss=%.4f" % (step, train_loss, validation_loss),
          flush=True)
    time.sleep(0.05)

probe = {}
data_dir = os.environ["PROBE_DIR"]
try:
    probe["listing"] = os.listdir(data_dir)
except OSError as e:
    probe["listing_error"] = type(e).__name__
try:
    with open(os.path.join(data_dir, "meta.db"), "rb") as f:
        probe["meta"] = len(f.read(16))
except OSError as e:
    probe["meta_error"] = type(e).__name__
with open(os.path.join(os.environ["SM_MODEL_DIR"], "probe.json"), "w") as f:
    json.dump(probe, f)
