#include "widgets/ScrollWheelGuard.h"

#include <QAbstractScrollArea>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QEvent>
#include <QWidget>

ScrollWheelGuard::ScrollWheelGuard(QObject *parent) : QObject(parent) {}

void ScrollWheelGuard::install(QWidget *root)
{
    auto *guard = new ScrollWheelGuard(root);
    QList<QWidget *> fields;
    for (QWidget *w : root->findChildren<QAbstractSpinBox *>())
        fields.append(w);
    for (QWidget *w : root->findChildren<QComboBox *>())
        fields.append(w);
    for (QWidget *field : fields) {
        field->setFocusPolicy(Qt::StrongFocus); // not WheelFocus: a wheel turn does not focus it
        field->installEventFilter(guard);
    }
    // Plots without zoom take no focus and swallow every wheel turn: pass them on too.
    for (QWidget *w : root->findChildren<QWidget *>())
        if (w->inherits("QCustomPlot"))
            w->installEventFilter(guard);
}

bool ScrollWheelGuard::eventFilter(QObject *watched, QEvent *event)
{
    auto *field = qobject_cast<QWidget *>(watched);
    if (event->type() != QEvent::Wheel || !field || field->hasFocus())
        return QObject::eventFilter(watched, event);
    // The nearest scroll area around the field scrolls by the same turn; without one the turn
    // is dropped rather than changing the value.
    for (QWidget *up = field->parentWidget(); up; up = up->parentWidget())
        if (auto *area = qobject_cast<QAbstractScrollArea *>(up)) {
            QCoreApplication::sendEvent(area->viewport(), event);
            break;
        }
    return true;
}
