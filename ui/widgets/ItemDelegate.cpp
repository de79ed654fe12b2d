#include "widgets/ItemDelegate.h"

#include "models/ItemListModel.h"
#include "models/WaveformStore.h"

#include <QApplication>
#include <QPainter>

namespace {
constexpr int kRowHeight = 48;
constexpr int kThumbWidth = 160;
} // namespace

void ItemDelegate::setPlayhead(const QString &path, double fraction)
{
    m_playingPath = path;
    m_fraction = fraction;
}

QSize ItemDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return QSize(option.rect.width() > 0 ? option.rect.width() : 400, kRowHeight);
}

void ItemDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                         const QModelIndex &index) const
{
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    opt.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    painter->save();
    const QRect rect = option.rect.adjusted(4, 3, -4, -3);
    const bool isText = index.data(ItemListModel::IsTextRole).toBool();
    const bool missing = index.data(ItemListModel::MissingRole).toBool();
    const bool selected = option.state & QStyle::State_Selected;
    const QColor textColor =
        selected ? option.palette.highlightedText().color() : option.palette.text().color();
    const QRect thumb(rect.left(), rect.top(), kThumbWidth, rect.height());
    painter->fillRect(thumb, QColor(30, 34, 40));
    if (isText) {
        painter->setPen(QColor(180, 200, 255));
        QFont font = painter->font();
        font.setPointSizeF(font.pointSizeF() * 1.6);
        painter->setFont(font);
        painter->drawText(thumb, Qt::AlignCenter, QStringLiteral("“T”"));
    } else if (const auto *peaks = reinterpret_cast<const WaveformStore::Peaks *>(
                   index.data(ItemListModel::PeaksRole).value<quintptr>())) {
        painter->setPen(missing ? QColor(150, 90, 90) : QColor(90, 200, 160));
        const int bins = int(peaks->minima.size());
        const double mid = thumb.center().y();
        const double half = thumb.height() / 2.0 - 2;
        for (int x = 0; x < thumb.width() && bins > 0; ++x) {
            const int b = x * bins / thumb.width();
            const double lo = std::clamp<double>(peaks->minima[b], -1.0, 1.0);
            const double hi = std::clamp<double>(peaks->maxima[b], -1.0, 1.0);
            painter->drawLine(QPointF(thumb.left() + x, mid - hi * half),
                              QPointF(thumb.left() + x, mid - lo * half));
        }
    } else {
        painter->setPen(QColor(120, 120, 120));
        painter->drawText(thumb, Qt::AlignCenter, missing ? tr("missing") : tr("…"));
    }
    const QString path = index.data(ItemListModel::PathRole).toString();
    if (!isText && m_fraction >= 0.0 && path == m_playingPath) {
        const int x = thumb.left() + int(m_fraction * thumb.width());
        painter->setPen(QPen(QColor(255, 210, 60), 2));
        painter->drawLine(x, thumb.top(), x, thumb.bottom());
    }

    const QRect textRect = rect.adjusted(kThumbWidth + 10, 0, 0, 0);
    QFont bold = option.font;
    bold.setBold(!isText);
    bold.setItalic(isText);
    painter->setFont(bold);
    painter->setPen(missing ? QColor(220, 60, 60) : textColor);
    const QString title = index.data(Qt::DisplayRole).toString();
    painter->drawText(textRect.adjusted(0, 0, 0, -rect.height() / 2),
                      Qt::AlignLeft | Qt::AlignBottom,
                      painter->fontMetrics().elidedText(title, Qt::ElideMiddle, textRect.width()));
    painter->setFont(option.font);
    painter->setPen(missing ? QColor(220, 60, 60) : option.palette.placeholderText().color());
    painter->drawText(textRect.adjusted(0, rect.height() / 2 + 2, 0, 0),
                      Qt::AlignLeft | Qt::AlignTop,
                      index.data(ItemListModel::DetailRole).toString());
    painter->restore();
}
