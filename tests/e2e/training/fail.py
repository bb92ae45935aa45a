"""A training script that fails the way SageMaker documents: it writes the reason to
/opt/ml/output/failure and exits non-zero."""
import sys

print("about to fail", flush=True)
with open("/opt/ml/output/failure", "w") as f:
    f.write("ValueError: the training data has no rows")
sys.exit(3)
