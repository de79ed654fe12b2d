#pragma once

#include <QAbstractListModel>
#include <QString>

class ProjectDocument;
class WaveformStore;

// Items of one exemplar set (the current one), for the item view and its delegate.
class ItemListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        IsTextRole = Qt::UserRole + 1,
        PathRole,
        DetailRole, // "3.0 s · 24000 Hz · mono"
        MissingRole,
        PeaksRole, // const WaveformStore::Peaks* as quintptr, or 0
    };
    ItemListModel(ProjectDocument *document, WaveformStore *waveforms, QObject *parent = nullptr);

    void setSetId(const QString &setId);
    QString setId() const { return m_setId; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

private:
    ProjectDocument *m_document;
    WaveformStore *m_waveforms;
    QString m_setId;
};
