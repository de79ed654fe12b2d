#pragma once

#include <QWidget>

class ProjectDocument;
class QPlainTextEdit;

// Train and eval prompt lists, one prompt per line.
class PromptsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit PromptsPanel(ProjectDocument *document, QWidget *parent = nullptr);

private:
    void load();
    void store();

    ProjectDocument *m_document;
    QPlainTextEdit *m_train;
    QPlainTextEdit *m_eval;
    bool m_loading = false;
};
