"""The GRU of SPEC.md on IMDB reviews, as a PyTorch user writes it.

The steps follow the notebook order of the TF.js and ONNX Runtime versions
(packages/tfjs/src/rnn.ts, packages/onnxruntime/src/rnn.ts), marked with region lines for
the notebooks and the side-by-side page.
"""
import torch
from torch import nn

from common import RNN_SPEC

DEVIATIONS = [
    "nn.GRU is the reset-after GRU (cuDNN's variant, ONNX linear_before_reset = 1), where SPEC.md has the classic one "
    "(the reset gate applied to h before the recurrent product), and keeps two bias vectors (b_ih and b_hh: 600 GRU "
    "biases where SPEC.md has 300)",
]

# region load data
# Token ids [batch, 150] (the last 150 tokens of each review, padded with 0 at the end) and
# labels 0/1 as int64 class indices, what CrossEntropyLoss takes.
def input(batch):
    x, y = batch
    return torch.as_tensor(x), torch.as_tensor(y)
# endregion

# region build model
# Embedding -> GRU -> Dense logits from the last time step's output (reviews are padded at
# the end), from a zero state. nn.GRU is not SPEC.md's GRU (DEVIATIONS): PyTorch has no
# classic GRU layer, and one written by hand from nn.Linear would time Python, not PyTorch.
class Gru(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(RNN_SPEC["vocabularySize"], RNN_SPEC["embeddingSize"])
        self.gru = nn.GRU(RNN_SPEC["embeddingSize"], RNN_SPEC["units"], batch_first=True)
        self.dense = nn.Linear(RNN_SPEC["units"], RNN_SPEC["classes"])

    def forward(self, tokens):
        outputs, _ = self.gru(self.embedding(tokens))
        return self.dense(outputs[:, -1])


def build_model():
    return Gru()
# endregion

# region loss and optimiser
# Loss: softmax cross-entropy on the logits with the class indices, batch mean. Optimiser:
# Adam with bias correction, SPEC.md's betas and epsilon.
loss = nn.CrossEntropyLoss()


def optimizer(model):
    adam = RNN_SPEC["optimizer"]
    return torch.optim.Adam(model.parameters(), lr=adam["learningRate"], betas=(adam["beta1"], adam["beta2"]), eps=adam["epsilon"])
# endregion

# region train on mini-batches
# One optimiser step per batch: forward through the 150 time steps (one nn.GRU call), the
# loss, its gradients by autograd, Adam's update. A step is done when its loss is known.
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
# Logits [batch, 2] in eval mode, without building a graph for autograd.
@torch.no_grad()
def predict(model, batch):
    model.eval()
    return model(input(batch)[0])
# endregion

# region evaluate
# Accuracy over a batch: the share of reviews whose larger logit is their label.
def accuracy(logits, labels):
    return (logits.argmax(1) == torch.as_tensor(labels)).float().mean()
# endregion


def set_weights(model, weights):
    """Copies the shared initial weights into the model. Canonical GRU gates are z, r, h along
    the last axis of [in, 300] kernels; nn.GRU stores [300, in] in the order r, z, n, and its
    second bias b_hh is set to zero. Being reset-after, it computes another function of them."""
    units = RNN_SPEC["units"]

    def gates(tensor):
        z, r, h = tensor.split(units, dim=-1)
        return torch.cat([r, z, h], dim=-1)

    with torch.no_grad():
        model.embedding.weight.copy_(weights["embedding.weight"])
        model.gru.weight_ih_l0.copy_(gates(weights["gru.kernel"]).T)
        model.gru.weight_hh_l0.copy_(gates(weights["gru.recurrentKernel"]).T)
        model.gru.bias_ih_l0.copy_(gates(weights["gru.bias"]))
        model.gru.bias_hh_l0.zero_()
        model.dense.weight.copy_(weights["dense.weight"].T)
        model.dense.bias.copy_(weights["dense.bias"])
    return model
