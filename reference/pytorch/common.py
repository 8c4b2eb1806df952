"""What the PyTorch model files share, as the TypeScript ones share packages: the contract's
numbers (the JSON file packages/spec reads too), the datasets of the shared mirror, an
iterator over mini-batches and the shared initial weights.

The data is read here with numpy, the way a PyTorch user reads these files, and processed as
packages/data does (bytes / 255; the last 150 tokens of a review, padded with 0 at the end).
The batch order is torch's own shuffle: the shared iterator's order comes from seedrandom,
which has no Python port, so the PyTorch notebooks see the same samples in another order.
"""
import hashlib
import json
import os
import sys
import tarfile
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
SPEC_FILE = ROOT / "packages" / "spec" / "spec.json"
SPEC = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
CNN_SPEC, RNN_SPEC = SPEC["cnn"], SPEC["rnn"]


def mirror():
    """The datasets folder `rosetta` reads (ROSETTA_DATASET_MIRROR), relative paths from the repository."""
    folder = os.environ.get("ROSETTA_DATASET_MIRROR")
    if not folder:
        raise RuntimeError("set ROSETTA_DATASET_MIRROR to the folder of the shared datasets (e.g. ../shared/datasets)")
    path = Path(folder)
    return path if path.is_absolute() else ROOT / path


def dataset_file(name, expected_format):
    """The mirror's file of dataset `name`, as its manifest.json names it, checked against the manifest's SHA-256."""
    folder = mirror()
    entry = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["datasets"][name]
    file = folder / entry["file"]
    if entry["format"] != expected_format:
        raise ValueError(f"{file}: format {entry['format']}, where this reader takes {expected_format}")
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    if digest != entry["sha256"]:
        raise ValueError(f"{file}: SHA-256 {digest}, where {folder / 'manifest.json'} says {entry['sha256']}")
    return file


def load_cifar10():
    """(x_train, y_train, x_test, y_test): uint8 images [n, 3, 32, 32] and labels, from the binary version's tar.gz."""
    file = dataset_file("cifar10", "cifar10-binary-tar-gz")
    record = 1 + CNN_SPEC["channels"] * CNN_SPEC["imageSize"] ** 2
    splits = {"train": [], "test": []}
    with tarfile.open(file, "r:gz") as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            name = os.path.basename(member.name)
            if name.endswith(".bin"):
                data = np.frombuffer(archive.extractfile(member).read(), dtype=np.uint8)
                if data.size % record:
                    raise ValueError(f"{file}: {member.name} is not a whole number of {record}-byte records")
                splits["test" if name.startswith("test") else "train"].append(data.reshape(-1, record))
    train, test = (np.concatenate(splits[s]) for s in ("train", "test"))
    shape = (-1, CNN_SPEC["channels"], CNN_SPEC["imageSize"], CNN_SPEC["imageSize"])
    return train[:, 1:].reshape(shape), train[:, 0].astype(np.int64), test[:, 1:].reshape(shape), test[:, 0].astype(np.int64)


def load_imdb():
    """(x_train, y_train, x_test, y_test): token ids [n, 150] and labels, from the Keras IMDB file."""
    file = dataset_file("imdb", "keras-imdb-loaded")
    # The reviews are pickled lists written by numpy 2, whose pickles name numpy._core; numpy 1
    # (Debian 12's) calls it numpy.core.
    if not hasattr(np, "_core"):
        import numpy.core.multiarray

        sys.modules.setdefault("numpy._core", np.core)
        sys.modules.setdefault("numpy._core.multiarray", np.core.multiarray)
    length, vocabulary, oov = RNN_SPEC["sequenceLength"], RNN_SPEC["vocabularySize"], RNN_SPEC["outOfVocabulary"]
    with np.load(file, allow_pickle=True) as arrays:
        def tokens(reviews):
            x = np.zeros((len(reviews), length), dtype=np.int64)
            for i, review in enumerate(reviews):
                kept = np.asarray(review[-length:], dtype=np.int64)
                x[i, : len(kept)] = np.where(kept < vocabulary, kept, oov)
            return x

        return tokens(arrays["x_train"]), arrays["y_train"].astype(np.int64), tokens(arrays["x_test"]), arrays["y_test"].astype(np.int64)


def batches(x, y, batch_size, seed=None, epoch=0, limit=None):
    """Full mini-batches of the first `limit` samples: shuffled by torch with `seed` and the epoch, or in file order without a seed."""
    count = len(x) if limit is None else min(limit, len(x))
    if seed is None:
        order = torch.arange(count)
    else:
        order = torch.randperm(count, generator=torch.Generator().manual_seed(seed * 1000 + epoch))
    for start in range(0, count - batch_size + 1, batch_size):
        index = order[start:start + batch_size].numpy()
        yield x[index], y[index]


def load_weights(file):
    """The shared initial weights of `rosetta weights` (safetensors: a JSON header, then float32
    data), by canonical name. Read with numpy: the safetensors package is not in Debian."""
    data = Path(file).read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    weights = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{file}: {name} is {entry['dtype']}, expected F32")
        start, end = entry["data_offsets"]
        array = np.frombuffer(data, dtype="<f4", count=(end - start) // 4, offset=8 + size + start)
        weights[name] = torch.from_numpy(array.reshape(entry["shape"]).copy())
    return weights
