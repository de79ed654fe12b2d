#pragma once

// qcustomplot.h uses Qt's bare keywords (signals, slots, emit, foreach), which dragon_ui turns
// off with QT_NO_KEYWORDS (they clash with torch); map them to the Q_ macros for this header only.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
