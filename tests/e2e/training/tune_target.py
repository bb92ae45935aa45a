"""A training script for tuning tests: its validation accuracy is a smooth function of the
hyperparameters (best at learning_rate 0.01, batch_size 128, optimizer adam), printed after
each epoch the way the seed's metric definition reads it (16.6), one epoch every
--epoch_seconds."""
import argparse
import math
import time

parser = argparse.ArgumentParser()
parser.add_argument("--learning_rate", type=float, required=True)
parser.add_argument("--batch_size", type=int, required=True)
parser.add_argument("--optimizer", default="adam")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--epoch_seconds", type=float, default=0.2)
args, _ = parser.parse_known_args()

peak = (0.95 - 0.05 * (math.log10(args.learning_rate) + 2) ** 2
        - 0.2 * ((args.batch_size - 128) / 256.0) ** 2
        - (0 if args.optimizer.strip('"') == "adam" else 0.05))
for epoch in range(args.epochs):
    accuracy = peak - 0.1 * (args.epochs - 1 - epoch) / args.epochs
    print("epoch %d Validation-accuracy: %.6f" % (epoch, accuracy), flush=True)
    time.sleep(args.epoch_seconds)
