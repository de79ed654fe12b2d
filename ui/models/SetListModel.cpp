#include "models/SetListModel.h"

#include "document/ProjectDocument.h"

SetListModel::SetListModel(ProjectDocument *document, QObject *parent)
    : QAbstractListModel(parent), m_document(document)
{
    connect(document, &ProjectDocument::setsChanged, this, [this] {
        beginResetModel();
        endResetModel();
    });
    connect(document, &ProjectDocument::itemsChanged, this, [this](const QString &id) {
        const int row = m_document->indexOfSet(id);
        if (row >= 0)
            Q_EMIT dataChanged(index(row), index(row));
    });
}

int SetListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_document->setCount();
}

QVariant SetListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_document->setCount())
        return {};
    const auto &set = m_document->set(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1  (%2)")
            .arg(QString::fromStdString(set.name))
            .arg(set.items.size());
    case Qt::EditRole:
        return QString::fromStdString(set.name);
    case Qt::ToolTipRole:
        return tr("%n item(s). Double-click to rename.", nullptr, int(set.items.size()));
    case SetIdRole:
        return QString::fromStdString(set.id);
    default:
        return {};
    }
}

bool SetListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid())
        return false;
    const QString name = value.toString().trimmed();
    if (name.isEmpty())
        return false;
    m_document->renameSet(QString::fromStdString(m_document->set(index.row()).id), name);
    return true;
}

Qt::ItemFlags SetListModel::flags(const QModelIndex &index) const
{
    return QAbstractListModel::flags(index) | Qt::ItemIsEditable;
}
