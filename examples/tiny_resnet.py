"""A torchvision-style CIFAR ResNet, written out so that it needs nothing but torch.

The module layout and names follow ``torchvision.models.resnet`` (``conv1``, ``bn1``, ``relu``, ``layer1`` …,
``avgpool``, ``fc``; ``BasicBlock`` with ``downsample``), with the CIFAR stem (3×3 conv, no max-pool) and
16/32/64 planes of He et al. (2016). ``shortcut=False`` gives the "plain" twin of the same depth (He et al.'s
plain-20: the same blocks without the identity). Used by the README's ``netspectra roughness`` example:

    netspectra roughness examples/tiny_resnet.py:resnet20 --layers layer1 layer2 layer3 fc --radius 10
    netspectra roughness examples/tiny_resnet.py:resnet20 --kwargs '{"shortcut": false}' --radius 10
"""

from torch import nn


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 shortcut: bool = True):
        super().__init__()
        self.shortcut = shortcut
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.shortcut:
            out += x if self.downsample is None else self.downsample(x)
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, layers: list[int], num_classes: int = 10, planes: tuple[int, ...] = (16, 32, 64),
                 shortcut: bool = True):
        super().__init__()
        self.shortcut = shortcut
        self.inplanes = planes[0]
        self.conv1 = nn.Conv2d(3, planes[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes[0])
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(planes[0], layers[0])
        self.layer2 = self._make_layer(planes[1], layers[1], stride=2)
        self.layer3 = self._make_layer(planes[2], layers[2], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(planes[2], num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        downsample = None
        if self.shortcut and (stride != 1 or self.inplanes != planes):
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample, self.shortcut)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes, shortcut=self.shortcut) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(self.avgpool(x).flatten(1))


def resnet8(num_classes: int = 10, shortcut: bool = True) -> ResNet:
    """CIFAR ResNet-8: one BasicBlock per stage (depth 6n + 2, n = 1); ``shortcut=False``: its plain twin."""
    return ResNet([1, 1, 1], num_classes, shortcut=shortcut)


def resnet20(num_classes: int = 10, shortcut: bool = True) -> ResNet:
    """CIFAR ResNet-20 (n = 3); ``shortcut=False``: plain-20, the same layers without identity shortcuts."""
    return ResNet([3, 3, 3], num_classes, shortcut=shortcut)


def resnet(depth: int, num_classes: int = 10, shortcut: bool = True) -> ResNet:
    """CIFAR ResNet of ``depth`` = 6n + 2 layers (8, 14, 20, 32, 44, 56, …)."""
    if (depth - 2) % 6 or depth < 8:
        raise ValueError(f"depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, …), got {depth}")
    n = (depth - 2) // 6
    return ResNet([n, n, n], num_classes, shortcut=shortcut)


def plain_cnn(depth: int = 8, width: int = 16, num_classes: int = 10, in_channels: int = 3) -> nn.Sequential:
    """A plain ``nn.Sequential`` CNN: ``depth`` × (3×3 conv, BatchNorm, ReLU), global average pool, linear."""
    layers: list[nn.Module] = []
    for i in range(depth):
        layers += [nn.Conv2d(in_channels if i == 0 else width, width, 3, padding=1, bias=False),
                   nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, num_classes))
