#include "dragon/GuardrailCheck.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace dragon {

namespace {

// Below `floor` of `base`, with a margin of rounding (75 % of 0.4 is 0.30000000000000004).
bool below(double value, double floor, double base)
{
    return value < floor * base * (1.0 - 1e-9);
}

} // namespace

std::string GuardrailCheck::fallReason(const EvalStats &e, double margin)
{
    char text[96];
    std::string reason;
    if (vendiFell(e, margin)) {
        std::snprintf(text, sizeof text, "Vendi %.2f -> %.2f", e.vendiBase, e.vendiPolicy);
        reason = text;
    }
    if (clapFell(e, margin)) {
        std::snprintf(text, sizeof text, "CLAP %.3f -> %.3f", e.clapBase, e.clapPolicy);
        reason += (reason.empty() ? "" : ", ") + std::string(text);
    }
    return reason;
}

bool GuardrailCheck::vendiFell(const EvalStats &e, double margin)
{
    return e.vendiBase > 0 && below(e.vendiPolicy, kVendiFloor + margin, e.vendiBase);
}

bool GuardrailCheck::clapFell(const EvalStats &e, double margin)
{
    return e.clapBase > 0 && below(e.clapPolicy, kClapFloor + margin, e.clapBase);
}

double GuardrailCheck::headroom(const EvalStats &e, double margin)
{
    double room = std::numeric_limits<double>::infinity();
    if (e.vendiBase > 0)
        room = std::min(room, e.vendiPolicy / e.vendiBase - (kVendiFloor + margin));
    if (e.clapBase > 0)
        room = std::min(room, e.clapPolicy / e.clapBase - (kClapFloor + margin));
    return room;
}

} // namespace dragon
