"""Script-mode training (seed 16.2): a RandomForest on the CSV files of a channel.

The label is the first column. Prints per-epoch-style progress and the accuracy on the
validation channel, and saves the model with joblib in SM_MODEL_DIR.
"""
import argparse
import glob
import json
import os
import sys

import joblib
import numpy as np
from sklearn.ensemble import RandomForestClassifier


def load(channel_dir):
    paths = sorted(glob.glob(channel_dir + "/**/*.csv", recursive=True))
    frames = [np.loadtxt(path, delimiter=",") for path in paths]
    data = np.vstack(frames)
    return data[:, 1:], data[:, 0].astype(int)


def main():
    print("train.py started", flush=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--n_estimators", type=int, default=10)
    parser.add_argument("--max_depth", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--training", default=os.environ.get("SM_CHANNEL_TRAINING"))
    parser.add_argument("--validation", default=os.environ.get("SM_CHANNEL_VALIDATION"))
    args, unknown = parser.parse_known_args()

    x_train, y_train = load(args.training)
    x_val, y_val = load(args.validation)
    model = RandomForestClassifier(n_estimators=args.n_estimators, max_depth=args.max_depth,
                                   random_state=0)
    model.fit(x_train, y_train)
    for epoch in range(args.epochs):
        print("epoch %d: train_accuracy=%.4f" % (epoch, model.score(x_train, y_train)), flush=True)
    accuracy = model.score(x_val, y_val)
    print("validation accuracy: %.4f" % accuracy, flush=True)
    print("warning line on stderr", file=sys.stderr, flush=True)

    joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))
    with open(os.path.join(args.model_dir, "info.json"), "w") as f:
        json.dump({"accuracy": accuracy, "hosts": json.loads(os.environ["SM_HOSTS"]),
                   "current_host": os.environ["SM_CURRENT_HOST"],
                   "hps": json.loads(os.environ["SM_HPS"]),
                   "channels": json.loads(os.environ["SM_CHANNELS"]),
                   "env_flag": os.environ.get("MY_FLAG"),
                   "argv": sys.argv[1:]}, f)
    with open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], "report.txt"), "w") as f:
        f.write("accuracy %.4f\n" % accuracy)


if __name__ == "__main__":
    main()
