// Compiled only so that dragon_torch_pch makes the precompiled torch header that the torch
// targets share (core/TorchPch.cmake); its object file is linked into nothing.
