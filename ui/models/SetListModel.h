#pragma once

#include <QAbstractListModel>

class ProjectDocument;

// The project's exemplar sets; editing a name renames the set through the undo stack.
class SetListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        SetIdRole = Qt::UserRole + 1
    };
    explicit SetListModel(ProjectDocument *document, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    ProjectDocument *m_document;
};
