#include "dragon/GuardrailCheck.h"

#include <cstdio>

namespace dragon {

std::string GuardrailCheck::fallReason(const EvalStats &e)
{
    char text[96];
    std::string reason;
    if (e.vendiBase > 0 && e.vendiPolicy < kVendiFloor * e.vendiBase) {
        std::snprintf(text, sizeof text, "Vendi %.2f -> %.2f", e.vendiBase, e.vendiPolicy);
        reason = text;
    }
    if (e.clapBase > 0 && e.clapPolicy < kClapFloor * e.clapBase) {
        std::snprintf(text, sizeof text, "CLAP %.3f -> %.3f", e.clapBase, e.clapPolicy);
        reason += (reason.empty() ? "" : ", ") + std::string(text);
    }
    return reason;
}

} // namespace dragon
