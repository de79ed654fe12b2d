#pragma once

#include <QStyledItemDelegate>

// Draws an exemplar item: waveform thumbnail with a playhead for audio, the text for text items,
// and name plus details ("3.0 s · 24000 Hz · mono"); missing files in red.
class ItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void setPlayhead(const QString &path, double fraction);
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    QString m_playingPath;
    double m_fraction = -1.0;
};
