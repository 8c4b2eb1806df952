"""The two SPEC.md models (../../../shared/SPEC.md, beside this checkout) as a PyTorch user
writes them, with the optimisers and the loss of SPEC.md.

Where PyTorch differs from SPEC.md, the difference is listed in DEVIATIONS (rosetta bench
prints it under the table) and explained here:
- nn.GRU is the reset-after GRU (cuDNN's variant, ONNX linear_before_reset = 1): the reset
  gate multiplies the recurrent product W_h h + b_hh, where SPEC.md's classic GRU applies it
  to h before the product. PyTorch has no classic GRU layer; writing one by hand from
  nn.Linear would be what a PyTorch user does not do, and would time Python, not PyTorch.
  It also keeps two bias vectors (b_ih, b_hh): 600 GRU biases where SPEC.md has 300.
- Parameters start from PyTorch's own initialisation (Kaiming-uniform kernels and uniform
  biases for Conv2d and Linear, N(0, 1) for Embedding, uniform(+-1/sqrt(100)) for the GRU),
  not from the shared initial weights: a step's time does not depend on the values.
- Images are NCHW, PyTorch's layout (ONNX's too; TF.js is NHWC).
- Dropout masks come from PyTorch's generator, as every framework's come from its own.
"""
import torch
from torch import nn

# SPEC.md, as in packages/harness/src/spec.ts.
CNN_FILTERS = (50, 100)
CNN_DENSE = 512
CNN_CLASSES = 10
RNN_VOCABULARY = 30_000
RNN_EMBEDDING = 125
RNN_UNITS = 100
RNN_CLASSES = 2

DEVIATIONS = [
    "nn.GRU is the reset-after GRU (cuDNN's variant, ONNX linear_before_reset = 1), where SPEC.md "
    "has the classic one (reset gate applied to h before the recurrent product), and has two bias "
    "vectors (b_ih and b_hh: 600 GRU biases where SPEC.md has 300)",
    "parameters start from PyTorch's own initialisation (Kaiming-uniform Conv2d/Linear kernels, "
    "uniform biases, N(0, 1) embedding, uniform(+-0.1) GRU), not from the shared initial weights",
    "images are NCHW (PyTorch's layout, as ONNX's; TF.js is NHWC)",
    "dropout masks come from PyTorch's generator",
]


class Cnn(nn.Module):
    """Two VGG blocks (conv-relu-conv-relu-maxpool-dropout), dense 512, dropout, dense 10 (logits)."""

    def __init__(self):
        super().__init__()
        blocks = []
        channels = 3
        for filters in CNN_FILTERS:
            blocks += [
                nn.Conv2d(channels, filters, 3, padding=1), nn.ReLU(),
                nn.Conv2d(filters, filters, 3, padding=1), nn.ReLU(),
                nn.MaxPool2d(2, 2), nn.Dropout(0.25),
            ]
            channels = filters
        self.features = nn.Sequential(*blocks)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(CNN_FILTERS[-1] * 8 * 8, CNN_DENSE), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(CNN_DENSE, CNN_CLASSES),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class Gru(nn.Module):
    """Embedding 30,000 x 125, GRU of 100 units from a zero state, the last step's output, dense 2 (logits)."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(RNN_VOCABULARY, RNN_EMBEDDING)
        self.gru = nn.GRU(RNN_EMBEDDING, RNN_UNITS, batch_first=True)
        self.dense = nn.Linear(RNN_UNITS, RNN_CLASSES)

    def forward(self, tokens):
        outputs, _ = self.gru(self.embedding(tokens))
        # SPEC.md: the output of the last time step (reviews are padded at the end).
        return self.dense(outputs[:, -1])


def build(model):
    """The model, its optimiser (SPEC.md) and the loss: softmax cross-entropy on logits, batch mean."""
    if model == "cnn":
        net = Cnn()
        # torch.optim.SGD's momentum is SPEC.md's: v = 0.9 v + g; w = w - 0.01 v (no dampening).
        optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    elif model == "rnn":
        net = Gru()
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    else:
        raise ValueError(f"unknown model {model!r} (expected cnn or rnn)")
    return net, optimizer, nn.CrossEntropyLoss()
