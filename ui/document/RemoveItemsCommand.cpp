#include "document/RemoveItemsCommand.h"

#include "document/ProjectDocument.h"

RemoveItemsCommand::RemoveItemsCommand(ProjectDocument *document, QString setId,
                                       QVector<int> sortedRows)
    : m_document(document), m_setId(std::move(setId)), m_rows(std::move(sortedRows))
{
    setText(QObject::tr("Remove %n item(s)", nullptr, int(m_rows.size())));
}

void RemoveItemsCommand::redo()
{
    m_removed.assign(m_rows.size(), {});
    // From the back, so earlier rows keep their index.
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        auto taken = m_document->takeItems(m_setId, m_rows[i], 1);
        if (!taken.empty())
            m_removed[i] = taken.front();
    }
}

void RemoveItemsCommand::undo()
{
    for (int i = 0; i < int(m_rows.size()); ++i)
        m_document->insertItemsAt(m_setId, m_rows[i], {m_removed[i]});
}
