"""The VGG-style CNN of SPEC.md on CIFAR-10, as a PyTorch user writes it.

The steps follow the notebook order of the TF.js and ONNX Runtime versions
(packages/tfjs/src/cnn.ts, packages/onnxruntime/src/cnn.ts), marked with region lines for
the notebooks and the side-by-side page.
"""
import torch
from torch import nn

from common import CNN_SPEC

DEVIATIONS = ["dropout masks come from PyTorch's generator, as every framework's come from its own"]

# region load data
# Images arrive as bytes [batch, 3, 32, 32], PyTorch's native NCHW layout (ONNX's too; TF.js
# is NHWC), and become float32 divided by 255 inside the step, as in every backend. Labels
# are int64 class indices, what CrossEntropyLoss takes.
def input(batch):
    x, y = batch
    return torch.as_tensor(x).float().div_(255), torch.as_tensor(y)
# endregion

# region build model
# Two VGG blocks (conv 3x3 "same" + ReLU, twice; max-pool 2x2; dropout), then flatten,
# dense + ReLU, dropout and a dense layer of logits (no softmax: the loss works on logits).
# nn.Dropout is the identity in eval mode, so one model serves training and inference.
def build_model():
    f1, f2 = CNN_SPEC["blockFilters"]
    k, pool = CNN_SPEC["kernelSize"], CNN_SPEC["poolSize"]
    return nn.Sequential(
        nn.Conv2d(CNN_SPEC["channels"], f1, k, padding="same"), nn.ReLU(),
        nn.Conv2d(f1, f1, k, padding="same"), nn.ReLU(),
        nn.MaxPool2d(pool), nn.Dropout(CNN_SPEC["convDropout"]),
        nn.Conv2d(f1, f2, k, padding="same"), nn.ReLU(),
        nn.Conv2d(f2, f2, k, padding="same"), nn.ReLU(),
        nn.MaxPool2d(pool), nn.Dropout(CNN_SPEC["convDropout"]),
        nn.Flatten(),
        nn.Linear(CNN_SPEC["flattenSize"], CNN_SPEC["denseUnits"]), nn.ReLU(), nn.Dropout(CNN_SPEC["denseDropout"]),
        nn.Linear(CNN_SPEC["denseUnits"], CNN_SPEC["classes"]),
    )
# endregion

# region loss and optimiser
# Loss: softmax cross-entropy on the logits with the class indices, batch mean. Optimiser:
# torch.optim.SGD's momentum without dampening is SPEC.md's (v = momentum v + g; w = w - lr v).
loss = nn.CrossEntropyLoss()


def optimizer(model):
    return torch.optim.SGD(model.parameters(), lr=CNN_SPEC["optimizer"]["learningRate"], momentum=CNN_SPEC["optimizer"]["momentum"])
# endregion

# region train on mini-batches
# One optimiser step per batch: forward in training mode (dropout on), the loss, its
# gradients by autograd, the update. A step is done when its loss is known: .item() waits.
def train_step(model, optimizer, batch):
    x, y = input(batch)
    optimizer.zero_grad(set_to_none=True)
    value = loss(model(x), y)
    value.backward()
    optimizer.step()
    return value.item()


def train_epoch(model, optimizer, batches, report=print):
    model.train()
    for batch in batches:
        report(train_step(model, optimizer, batch))
# endregion

# region predict
# Logits [batch, classes] in eval mode (dropout off), without building a graph for autograd.
@torch.no_grad()
def predict(model, batch):
    model.eval()
    return model(input(batch)[0])
# endregion

# region evaluate
# Accuracy over a batch: the share of images whose largest logit is their label.
def accuracy(logits, labels):
    return (logits.argmax(1) == torch.as_tensor(labels)).float().mean()
# endregion


def set_weights(model, weights):
    """Copies the shared initial weights (canonical layout: conv OIHW as PyTorch's, dense
    kernels [in, out], which nn.Linear stores transposed) into the model."""
    convs = [m for m in model if isinstance(m, nn.Conv2d)]
    denses = [m for m in model if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for name, conv in zip(["conv1", "conv2", "conv3", "conv4"], convs):
            conv.weight.copy_(weights[f"{name}.weight"])
            conv.bias.copy_(weights[f"{name}.bias"])
        for name, dense in zip(["dense1", "dense2"], denses):
            dense.weight.copy_(weights[f"{name}.weight"].T)
            dense.bias.copy_(weights[f"{name}.bias"])
    return model
