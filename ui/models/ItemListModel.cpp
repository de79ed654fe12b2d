#include "models/ItemListModel.h"

#include "document/ProjectDocument.h"
#include "models/WaveformStore.h"

#include <QFileInfo>

ItemListModel::ItemListModel(ProjectDocument *document, WaveformStore *waveforms, QObject *parent)
    : QAbstractListModel(parent), m_document(document), m_waveforms(waveforms)
{
    connect(document, &ProjectDocument::itemsChanged, this, [this](const QString &id) {
        if (id == m_setId) {
            beginResetModel();
            endResetModel();
        }
    });
    connect(document, &ProjectDocument::setsChanged, this, [this] {
        if (m_document->indexOfSet(m_setId) < 0)
            m_setId.clear();
        beginResetModel();
        endResetModel();
    });
    connect(waveforms, &WaveformStore::updated, this, [this](const QString &) {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0), index(rowCount() - 1), {PeaksRole});
    });
}

void ItemListModel::setSetId(const QString &setId)
{
    beginResetModel();
    m_setId = setId;
    endResetModel();
}

int ItemListModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    const int index = m_document->indexOfSet(m_setId);
    return index < 0 ? 0 : int(m_document->set(index).items.size());
}

QVariant ItemListModel::data(const QModelIndex &index, int role) const
{
    const int setIndex = m_document->indexOfSet(m_setId);
    if (!index.isValid() || setIndex < 0 || index.row() >= rowCount())
        return {};
    const auto &item = m_document->set(setIndex).items[index.row()];
    const bool isText = item.kind == dragon::ExemplarItem::Kind::Text;
    const QString path = QString::fromStdString(item.path);
    switch (role) {
    case Qt::DisplayRole:
        return isText ? QString::fromStdString(item.text) : QFileInfo(path).fileName();
    case Qt::ToolTipRole:
        return isText ? QString::fromStdString(item.text)
                      : (item.missing ? tr("Missing: %1").arg(path) : path);
    case IsTextRole:
        return isText;
    case PathRole:
        return path;
    case MissingRole:
        return item.missing;
    case DetailRole: {
        if (isText)
            return tr("text");
        if (item.sampleRate <= 0)
            return item.missing ? tr("file not found") : tr("reading…");
        const QString channels = item.channels == 1   ? tr("mono")
                                 : item.channels == 2 ? tr("stereo")
                                                      : tr("%1 ch").arg(item.channels);
        QString detail = tr("%1 s · %2 Hz · %3")
                             .arg(item.durationSeconds, 0, 'f', 1)
                             .arg(item.sampleRate)
                             .arg(channels);
        if (item.missing)
            detail = tr("file not found (last seen: %1)").arg(detail);
        return detail;
    }
    case PeaksRole: {
        const auto *peaks = isText ? nullptr : m_waveforms->find(path);
        return QVariant::fromValue(reinterpret_cast<quintptr>(peaks));
    }
    default:
        return {};
    }
}
