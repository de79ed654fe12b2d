#pragma once

#include <QTranslator>

// English plurals for tr("%n clip(s)", nullptr, n) without a translation file: Qt fills in %n
// but leaves "(s)" as written unless a translator gives the numerus forms. This one gives them:
// "(s)" becomes "" for one and "s" otherwise ("1 clip", "3 clips"). Strings without %n, or
// without "(s)", are left to Qt as they are. MainWindow installs it once for the application.
class EnglishPlurals : public QTranslator
{
    Q_OBJECT
public:
    using QTranslator::QTranslator;
    // Installs one EnglishPlurals on the application (again: nothing).
    static void installOnce();

    QString translate(const char *context, const char *sourceText,
                      const char *disambiguation = nullptr, int n = -1) const override;
    bool isEmpty() const override { return false; }
};
