"""A torch.distributed job (seed 16.3 with gloo): every host joins the process group from the
MASTER_ADDR/MASTER_PORT/WORLD_SIZE/RANK the platform sets, all-reduces a tensor and writes what
it got to its model directory."""
import json
import os

import torch
import torch.distributed as dist


def main():
    rank = int(os.environ["RANK"])
    world = int(os.environ["WORLD_SIZE"])
    print("host %s rank %d of %d, master %s:%s" % (os.environ["SM_CURRENT_HOST"], rank, world,
                                                  os.environ["MASTER_ADDR"],
                                                  os.environ["MASTER_PORT"]), flush=True)
    dist.init_process_group(backend="gloo", rank=rank, world_size=world)
    tensor = torch.tensor([float(rank + 1), 10.0 * (rank + 1)])
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    print("allreduce result: %s" % tensor.tolist(), flush=True)
    dist.barrier()
    dist.destroy_process_group()
    with open(os.path.join(os.environ["SM_MODEL_DIR"], "rank-%d.json" % rank), "w") as f:
        json.dump({"rank": rank, "world": world, "sum": tensor.tolist(),
                   "host": os.environ["SM_CURRENT_HOST"],
                   "hosts": json.loads(os.environ["SM_HOSTS"]),
                   "local_rank": int(os.environ["LOCAL_RANK"])}, f)


if __name__ == "__main__":
    main()
