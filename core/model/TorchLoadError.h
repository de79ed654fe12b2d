#pragma once

#include <string>

namespace dragon {

// What went wrong inside a libtorch load (archives, TorchScript files), in one line and
// without crashing: a torch::jit::ErrorReport's what() can itself throw on a damaged file (it
// renders source ranges the file made up), which ends the program, so it is never called.
class TorchLoadError
{
public:
    // Call inside a catch block: describes the exception in flight.
    static std::string describeCurrent();
};

} // namespace dragon
