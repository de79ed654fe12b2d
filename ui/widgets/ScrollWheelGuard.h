#pragma once

#include <QObject>

class QWidget;

// Keeps the mouse wheel from changing a spin box or combo box the user only scrolls past: in a
// scrolled column of settings, a wheel turn over an unfocused field scrolls the column instead
// of silently changing the field's value. A field that has focus (clicked or tabbed into) still
// takes the wheel, as usual. Plots (QCustomPlot, which swallows wheel turns it does not use) pass
// them on the same way, so a column of plots scrolls wherever the pointer is.
class ScrollWheelGuard : public QObject
{
    Q_OBJECT
public:
    // Guards every spin box and combo box under `root` (as it is now), parented to `root`.
    static void install(QWidget *root);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit ScrollWheelGuard(QObject *parent);
};
